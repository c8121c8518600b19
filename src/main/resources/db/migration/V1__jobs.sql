-- Portable SQL: the same file runs on H2 (embedded default) and PostgreSQL.

create table jobs (
    id               uuid primary key,
    owner            varchar(64)      not null,
    variant          varchar(32)      not null,
    learning_rate    double precision not null,
    epochs           int              not null,
    batch_size       int              not null,
    seed             bigint           not null,
    train_examples   int              not null,
    max_runtime_ms   bigint           not null,
    state            varchar(16)      not null,
    created_at       timestamp with time zone not null,
    started_at       timestamp with time zone,
    finished_at      timestamp with time zone,
    error            varchar(2000),
    -- progress of the running epoch, written a few times a second by the instance running the job
    running_epoch    int              not null default 0,
    epoch_fraction   double precision not null default 0,
    -- attempts started; a run that ends by a crash is noticed when the next one starts
    attempts         int              not null default 0,
    last_failure     varchar(2000),
    cancel_requested boolean          not null default false,
    -- the attempt that owns the job now: a stale attempt's writes match no row and are refused
    run_token        uuid,
    run_by           varchar(255),
    device           varchar(32),
    run_millis       bigint           not null default 0,
    final_loss            double precision,
    final_train_accuracy  double precision,
    final_test_accuracy   double precision,
    examples_per_second   double precision,
    idempotency_key  varchar(255),
    request_hash     varchar(64),
    constraint jobs_idempotency unique (owner, idempotency_key)
);

create index jobs_state_created on jobs (state, created_at);
create index jobs_created on jobs (created_at);

create table job_epochs (
    job_id              uuid             not null references jobs (id) on delete cascade,
    epoch               int              not null,
    loss                double precision not null,
    train_accuracy      double precision not null,
    test_accuracy       double precision not null,
    examples_per_second double precision not null,
    seconds             double precision not null,
    primary key (job_id, epoch)
);

-- model zips and checkpoints: every replica reads them from here
create table job_artifacts (
    job_id     uuid        not null references jobs (id) on delete cascade,
    kind       varchar(16) not null,
    epoch      int         not null,
    content    bytea       not null,
    training_nanos   bigint not null default 0,
    examples_trained bigint not null default 0,
    created_at timestamp with time zone not null,
    primary key (job_id, kind)
);

-- db-scheduler's table (its PostgreSQL schema, with types both databases know)
create table scheduled_tasks (
    task_name            varchar(100) not null,
    task_instance        varchar(100) not null,
    task_data            bytea,
    execution_time       timestamp with time zone not null,
    picked               boolean not null,
    picked_by            varchar(255),
    last_success         timestamp with time zone,
    last_failure         timestamp with time zone,
    consecutive_failures int,
    last_heartbeat       timestamp with time zone,
    version              bigint not null,
    priority             smallint,
    primary key (task_name, task_instance)
);

create index execution_time_idx on scheduled_tasks (execution_time);
create index last_heartbeat_idx on scheduled_tasks (last_heartbeat);
create index priority_execution_time_idx on scheduled_tasks (priority desc, execution_time asc);
