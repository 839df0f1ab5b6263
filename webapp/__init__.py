"""Shouwang (守望): care scheduling for left-behind children. Importing this package imports no Flask."""
