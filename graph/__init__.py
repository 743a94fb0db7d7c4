"""Neo4j: the local database, the driver, schema migrations and all Cypher."""
