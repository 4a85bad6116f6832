"""Posts (problems and ideas), categories, comments, votes and follows."""
