UPDATE t SET u = uuid_v4();
