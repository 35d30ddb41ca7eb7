"""Streamlit glue shared by the dashboard and its pages; logic stays in the pure modules."""
