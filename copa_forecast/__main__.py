from copa_forecast import main

raise SystemExit(main())
