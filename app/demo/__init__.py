"""The demo city: `flask seed-demo` fills an empty database with Mashhad's departments and posts."""
