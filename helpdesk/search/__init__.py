"""Search over tickets and contacts: Arabic normalisation and each database's full-text index."""
