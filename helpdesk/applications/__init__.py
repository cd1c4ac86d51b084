"""Support requests made online or at the desk: drafts saved as typed, then a case."""
