-- Calendar functions over TIMESTAMP(3) (UTC): EXTRACT, FLOOR/CEIL TO, DATE_FORMAT, TO_TIMESTAMP, TIMESTAMPADD/DIFF.
CREATE STREAM events (id INT, ts TIMESTAMP(3), txt VARCHAR) WITH ('connector' = 'memory');

INSERT INTO events VALUES
  (1, TIMESTAMP '2024-02-29 13:45:56.789', '01/03/2024 08:30'),
  (2, TIMESTAMP '2021-01-03 00:00:00', 'not a date'),
  (3, NULL, NULL);

SELECT id,
       EXTRACT(YEAR FROM ts) AS y, EXTRACT(QUARTER FROM ts) AS q, EXTRACT(MONTH FROM ts) AS mo,
       EXTRACT(DAY FROM ts) AS d, EXTRACT(HOUR FROM ts) AS h, EXTRACT(MINUTE FROM ts) AS mi,
       EXTRACT(SECOND FROM ts) AS s, EXTRACT(MILLISECOND FROM ts) AS ms,
       EXTRACT(DOW FROM ts) AS dow, EXTRACT(DOY FROM ts) AS doy, EXTRACT(WEEK FROM ts) AS wk,
       EXTRACT(EPOCH FROM ts) AS epoch
FROM events;

SELECT id,
       FLOOR(ts TO SECOND) AS f_s, FLOOR(ts TO MINUTE) AS f_mi, FLOOR(ts TO HOUR) AS f_h, FLOOR(ts TO DAY) AS f_d,
       FLOOR(ts TO MONTH) AS f_mo, FLOOR(ts TO YEAR) AS f_y, CEIL(ts TO HOUR) AS c_h, CEIL(ts TO DAY) AS c_d,
       CEIL(ts TO MONTH) AS c_mo
FROM events;

SELECT id,
       DATE_FORMAT(ts, 'yyyy-MM-dd HH:mm') AS minute_text,
       DATE_FORMAT(ts, 'EEE d MMM yy, h:mm:ss.SSS a') AS long_text,
       TO_TIMESTAMP(txt, 'dd/MM/yyyy HH:mm') AS parsed,
       TO_TIMESTAMP('2024-05-01 10:00:00') AS constant,
       TIMESTAMPADD(MONTH, 1, ts) AS next_month,
       TIMESTAMPDIFF(DAY, TIMESTAMP '2024-01-01 00:00:00', ts) AS days_since,
       HOUR(ts) AS hh, DAYOFWEEK(ts) AS dw
FROM events;

-- Hourly buckets with FLOOR in a WHERE and a comparison.
SELECT id FROM events WHERE FLOOR(ts TO DAY) = TIMESTAMP '2024-02-29 00:00:00';
