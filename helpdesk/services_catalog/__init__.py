"""The association's services and the rules each one declares."""
