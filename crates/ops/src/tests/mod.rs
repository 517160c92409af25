mod cases;
mod props;
mod reply;
mod suspenses;
mod tasks;
