"""The appeal bundle: everything an appeal needs about a case, as one PDF."""
