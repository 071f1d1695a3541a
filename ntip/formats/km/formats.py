# Khmer as NTIP writes it (docs/languages.md, "Numbers and dates"), over
# Django's km file, which has "15 ខែ មករា ឆ្នាំ 2027" for a date and a decimal
# comma ("51,3"), with no thousands grouped ("1362"). Cambodian official
# documents write "1,362" and "51.3"; a date reads "15 មករា 2027".
# Khmer months have one name, no short form: F everywhere, never M or N.
# The month names come from the catalogue: Django's, where March is "មិនា",
# under ours (locale/km, read first), which says "មីនា"; the mark below keeps
# that entry in ours. plans.formatting.date_text writes its own names.
from django.utils.translation import gettext_noop

gettext_noop("March")

DATE_FORMAT = "j F Y"
TIME_FORMAT = "G:i"
DATETIME_FORMAT = "j F Y, G:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j F Y"
SHORT_DATETIME_FORMAT = "j F Y, G:i"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
