UPDATE `orders` SET `total` = `total` * 100;
