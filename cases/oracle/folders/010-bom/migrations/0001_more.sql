INSERT INTO `t` VALUES (1, 'a');--> statement-breakpoint
﻿INSERT INTO `t` VALUES (2, 'b');