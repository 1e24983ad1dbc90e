"""Readers: architecture descriptions in other formats, read into the same declarations a
cnncalc file gives (docs/yolo.md). Each reader recognises its format by the structure of the
loaded node tree, never by the file name alone."""
