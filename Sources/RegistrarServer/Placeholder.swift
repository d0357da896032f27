enum _PRegistrarServer {}
