-- Background images retired from the catalogue (the samples shipped in the server's resources and the
-- operator's own): no longer offered or usable for new purchases. Purchases that used one keep their
-- indicia; a reprint may no longer compose onto it.
CREATE TABLE retired_backgrounds (
    background_id  VARCHAR(64)   NOT NULL PRIMARY KEY,
    retired_by     VARCHAR(200)  NOT NULL,
    retired_at     TIMESTAMP WITH TIME ZONE NOT NULL
);
