-- Custom SQL migration: test accounts go, with their orders and items.
DELETE FROM `users` WHERE `name` LIKE 'test%';
