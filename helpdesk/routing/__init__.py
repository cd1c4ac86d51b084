"""Routing: the admin's ordered rules and the sharing of work inside a team."""
