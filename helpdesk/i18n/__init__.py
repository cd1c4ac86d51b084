"""Language and dates for people: the reader's language, Hijri and Gregorian, Arabic text."""
