"""Access: the one policy that decides who may see or change a child's record."""
