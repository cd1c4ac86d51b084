"""The research committee (لجنة البحث): its sittings and its decisions on support requests."""
