"""Building the Leaflet map (via folium) from filtered claims, places and routes."""
