"""The GraphQL API: schema, HTTP app, authentication and the `fupin` command."""
