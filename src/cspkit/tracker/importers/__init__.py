"""Import the action plans and registers partnerships already keep in Word tables or text.

Reading (``source``, ``reader`` and friends) works on plain data and needs no database;
``services.import_file`` writes what was read into a plan through the tracker's models.
"""
