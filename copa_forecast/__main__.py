from copa_forecast import entry

entry()
