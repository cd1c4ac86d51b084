"""The association's working calendar: working hours, weekends and holidays."""
