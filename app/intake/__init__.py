"""Studies brought in by people and portals over HTTP: uploads of files and zips."""
