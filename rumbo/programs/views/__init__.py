"""The pages of annual programs: the program and its tree, activities, the Excel round
trip, units and new programs, the alignment matrix (one module per feature; the URL
patterns in ``rumbo.programs.urls``)."""
