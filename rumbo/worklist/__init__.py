"""«Mis pendientes»: what each person has to do next, across every institution and role."""
