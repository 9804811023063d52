-- GROUPING's argument must be one of GROUP BY's expressions.
CREATE TABLE Products (supplier_id VARCHAR, product_id VARCHAR, rating INT) WITH ('connector' = 'memory');
SELECT supplier_id, GROUPING(product_id) AS g, COUNT(*) AS n
FROM Products
GROUP BY ROLLUP (supplier_id, rating);
