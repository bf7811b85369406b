"""Learning rules: each module holds one rule's maths and its estimators."""
