mod cases;
mod props;
mod reply;
