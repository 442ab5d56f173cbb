"""The web app (``trainer serve``): trainees sign in, talk to a caller in the browser and read
their debriefs. The library never imports it."""
