from tests.node.residents import town

__all__ = ["town"]
