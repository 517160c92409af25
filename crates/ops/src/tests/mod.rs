mod cases;
mod classify;
mod props;
mod reply;
mod suspenses;
mod tasks;
