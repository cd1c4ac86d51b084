"""The JSON API (/api/v1): tokens, schemas, endpoints and the OpenAPI document."""
