"""Satisfaction: surveys sent to the person, their answers, follow-ups and the review list."""
