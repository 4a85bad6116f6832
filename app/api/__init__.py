"""The JSON API (/api/v1/) and Open311 GeoReport v2 (/open311/v2/): other programs' door to the same
services and permission predicates as the web pages. api imports the domains; they never import api."""
