-- A statement set holds only INSERT statements, as in Flink.
CREATE TABLE orders (item VARCHAR, n INT) WITH ('connector' = 'memory');
EXECUTE STATEMENT SET
BEGIN
  SELECT * FROM orders;
END;
