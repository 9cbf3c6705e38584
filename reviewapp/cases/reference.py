"""Reference lists a case uses: the "six entries" and volunteer categories."""
from flask_babel import lazy_gettext as _l

# Where service happens (六进): organs/units, campuses, enterprises,
# communities/villages, squares/parks, families.
SERVICE_PLACES = [
    ("organs", _l("Government organs and institutions")),
    ("campuses", _l("Campuses")),
    ("enterprises", _l("Factories and enterprises")),
    ("communities", _l("Communities and villages")),
    ("parks", _l("Squares and parks")),
    ("families", _l("Families")),
]

VOLUNTEER_CATEGORIES = [
    ("instructors", _l("Social sports instructors")),
    ("sports_workers", _l("Sports-system workers (coaches, PE teachers, researchers)")),
    ("athletes", _l("Outstanding athletes")),
    ("community", _l("Community volunteers")),
]

# 举办方式: seed 001 asks for 线上 or 线下; many activities are both ("线上线下，整体推进").
ACTIVITY_MODES = [("offline", _l("Offline")), ("online", _l("Online")), ("both", _l("Online and offline"))]

# The narrative sections, in the order the rubric asks about them.
NARRATIVE_SECTIONS = [
    ("organization_text", _l("Organization and team")),
    ("activities_text", _l("Regular activities")),
    ("innovation_text", _l("Innovation")),
    ("influence_text", _l("Models and influence")),
    ("experience_text", _l("Replicable experience")),
]

FIGURES = [
    ("volunteers", _l("Volunteers")),
    ("service_hours", _l("Volunteer service hours")),
    ("activities_held", _l("Activities held")),
    ("people_served", _l("People served")),
    ("start_year", _l("Year the service started")),
]
