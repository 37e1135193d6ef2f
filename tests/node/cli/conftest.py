from tests.node.projection.databases import database_url, postgres_cluster

__all__ = ["database_url", "postgres_cluster"]
