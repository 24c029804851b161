"""What studies set off as a whole: on becoming stable or amended, classify, route, assign."""
