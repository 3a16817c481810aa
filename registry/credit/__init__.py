"""The credit lists: abnormal activities (活动异常名录), serious dishonesty (严重违法失信名单)."""
