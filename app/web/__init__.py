"""The pages people work from, rendered on the server over the same services as the JSON API."""
