"""Server-rendered pages: thin views over services and selectors."""
