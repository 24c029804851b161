"""DICOMweb (PS3.18): studies stored, searched and retrieved over HTTP."""
