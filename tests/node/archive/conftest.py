from tests.node.projection.databases import database_url, node, postgres_cluster

__all__ = ["database_url", "node", "postgres_cluster"]
