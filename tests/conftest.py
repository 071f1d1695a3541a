import pytest
from django.test import Client, RequestFactory, override_settings

from plans.models import Role
from tests.factories import OrganisationFactory, UserFactory

PASSWORD = "correct horse battery"

# The site's menu bar, found by its class: a page drawn in the site's layout has it.
LAYOUT = 'ntip-navbar"'


def token_client(client, user):
    """``client`` sending ``user``'s API token with every request."""
    from rest_framework.authtoken.models import Token

    token, _ = Token.objects.get_or_create(user=user)
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {token.key}"
    return client


@pytest.fixture
def ministry(db):
    return OrganisationFactory(code="MOI", name="Ministry of Interior")


@pytest.fixture
def other_ministry(db):
    return OrganisationFactory(code="MOJ", name="Ministry of Justice")


@pytest.fixture
def secretariat(db):
    return OrganisationFactory(code="NCCT-GS", name="NCCT General Secretariat", kind="SECRETARIAT")


@pytest.fixture
def admin_user(secretariat):
    return UserFactory(username="admin", role=Role.SECRETARIAT_ADMIN, organisation=secretariat)


@pytest.fixture
def reviewer(secretariat):
    return UserFactory(username="reviewer", role=Role.SECRETARIAT_REVIEWER, organisation=secretariat)


@pytest.fixture
def focal_point(ministry):
    return UserFactory(username="focal", role=Role.FOCAL_POINT, organisation=ministry)


@pytest.fixture
def partner(db):
    org = OrganisationFactory(code="IOM", name="IOM", kind="PARTNER")
    return UserFactory(username="partner", role=Role.PARTNER, organisation=org)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # PBKDF2's deliberate slowness protects real passwords; tests need none of it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def site_language_after_each_test():
    """A request activates its reader's language (and digits) for the thread,
    as every request does in production; the next test starts in the site's
    language, not in the Khmer of the last page a test opened."""
    yield
    from django.conf import settings
    from django.utils import translation

    from plans.formatting import khmer_digits_set

    translation.activate(settings.LANGUAGE_CODE)
    khmer_digits_set(False)


@pytest.fixture(autouse=True)
def empty_cache():
    # Cached reads are keyed on database ids, which a rolled-back test may hand out again.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True, scope="session")
def plain_http():
    """Whenever DEBUG is off, as in tests, production settings redirect HTTP to
    HTTPS (ntip/settings.py); the test client and live_server speak plain HTTP.
    For the whole session, before live_server builds its middleware (which reads
    the setting once). The other HTTPS settings (secure cookies, HSTS) stay on."""
    with override_settings(SECURE_SSL_REDIRECT=False):
        yield


@pytest.fixture(autouse=True)
def sign_in_with_a_request(monkeypatch):
    """django-axes counts each sign-in against the address it comes from, so it
    needs the request; the test client's login() passes none to authenticate().
    Give it one, as the login page would (django-axes's documentation does the
    same). Failures are counted in the database, which each test rolls back."""
    original = Client.login

    def login(self, **credentials):
        credentials.setdefault("request", RequestFactory().post("/accounts/login/"))
        return original(self, **credentials)

    monkeypatch.setattr(Client, "login", login)
