"""Community social organisations (社区社会组织): filed (备案), not registered."""
