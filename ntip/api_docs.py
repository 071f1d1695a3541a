"""The API's browsable docs, /api/docs/: Swagger UI from drf-spectacular's
sidecar (no CDN), under the site's strict CSP. SpectacularSwaggerSplitView
serves Swagger UI's start-up script as a file of its own (``?script``) rather
than inline, and templates/api/swagger_ui.html moves the page's few styles
from an inline <style> into static/ntip/api_docs.css: nothing inline is left.
"""

from drf_spectacular.views import SpectacularSwaggerSplitView


class ApiDocsView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
