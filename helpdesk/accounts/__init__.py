"""Staff accounts: users, roles, teams, branches, login and the permission check."""
