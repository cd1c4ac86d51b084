"""Casework: a support request as a case (checklist, declaration, research study)."""
